/** The deal entity (the board's and the deal panels'), apart from any component so the eager studio module stays small. */
export const DEAL = 'pipeline.deal';
