import type { TestServer } from '../../../runtime/test/harness';
import { type View } from '../../../runtime/test/process/helpers';
export declare const LEAD = "handoff.lead";
export declare const RULE = "handoff.routing_rule";
/** Extra reps (north B) beside the harness org's, for fairness over five people. */
export declare const EXTRA_REPS: {
    id: string;
    name: string;
    unit: string;
}[];
/** Seeds the org, two more reps, and publishes the lead process (as an admin would). */
export declare function prepare(server: TestServer): Promise<void>;
/** Creates a routing rule as the harness admin (company-wide: no owner, no unit). */
export declare function createRule(server: TestServer, data: Record<string, unknown>): Promise<View>;
/** Deletes every routing rule (tests start from their own list). */
export declare function clearRules(server: TestServer): Promise<void>;
/** A lead body with everything the hand-over needs. */
export declare const LEAD_DATA: {
    readonly company_name: "Acme Robotics";
    readonly contact_name: "Ada Lovelace";
    readonly email: "ada@acme-robotics.example";
    readonly source: "marketing_campaign";
    readonly campaign: "Spring webinar";
    readonly country: "DE";
    readonly territory: "emea";
};
/** The plugin's services as its jobs get them. */
export declare const jobServices: (server: TestServer) => import("@pipewright/core").PluginServices;
