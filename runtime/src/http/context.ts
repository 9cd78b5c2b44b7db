import type { Actor } from '../records/store';

/** Per-request values shared by middleware and routes. */
export interface AppEnv {
  Variables: {
    actor: Actor;
    requestId: string;
  };
}
