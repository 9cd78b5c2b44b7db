/**
 * Shapes of what the HTTP API answers, shared by the runtime (which builds them) and the studio
 * (which reads them), so the two cannot drift apart. Types only: importing this costs nothing at
 * run time.
 *
 * @example
 * ```ts
 * import type { RecordView } from '@pipewright/core/api';
 * ```
 */

/** A record as the API shows it. */
export interface RecordView {
  id: string;
  type: string;
  version: number;
  owner: string | null;
  orgUnit: string | null;
  stage: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  deletedAt: string | null;
}

/** A process as `GET /api/processes` lists it. */
export interface ProcessSummary {
  id: string;
  entity: string;
  label: string;
  source: string;
  draftRevision: number;
  latestVersion: number | null;
  updatedAt: string;
  updatedBy: string;
}
