/** The fan-in key under which `learn` counts a job's members (and `process` reads progress). */
export const jobFanInKey = (jobId: string) => `job|${jobId}`;
