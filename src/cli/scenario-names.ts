/** Scenarios `trigger --scenario` can play. */
export const scenarioNames = ['directory-sync'] as const;
