/** The fan-in counting the documents a job learns (and its failed sources); `process` reads it. */
export const jobFanInKey = (jobId: string) => `job|${jobId}`;

/** The fan-in counting the sources a job waits for before it plans. */
export const jobWaitKey = (jobId: string) => `wait|${jobId}`;
