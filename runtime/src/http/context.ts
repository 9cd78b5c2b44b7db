import type { Principal } from '../auth/principal';

/** Per-request values shared by middleware and routes. */
export interface AppEnv {
  Variables: {
    /** Who is asking; set by the auth middleware on every `/api/` route but login. */
    actor: Principal;
    requestId: string;
  };
}
