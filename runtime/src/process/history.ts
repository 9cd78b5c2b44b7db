// The SLA job payload and stable ids live with the workers that read them (runtime/src/jobs/payloads.ts).
export { stableUuid, type SlaJob } from '../jobs/payloads';
