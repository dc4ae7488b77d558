import { describe, expect, it } from 'vitest';
import type { Job } from './api';
import { describeJob } from './progress';

const job = (fields: Partial<Job>): Job => ({
  jobId: 'job-1',
  state: 'running',
  total: null,
  done: 0,
  failed: 0,
  fetching: 0,
  ...fields,
});

describe('describeJob', () => {
  it('has no value while queued or planning (an indeterminate bar)', () => {
    for (const j of [job({ state: 'queued' }), job({ state: 'running', total: null })]) {
      expect(describeJob(j)).toMatchObject({ value: null, max: null, finished: false });
    }
    expect(describeJob(job({ state: 'queued' })).text).toMatch(/^Queued/);
  });

  it('says how many pages a job still waits for before it plans', () => {
    expect(describeJob(job({ fetching: 3, failed: 1 }))).toMatchObject({
      value: null,
      text: 'Waiting for 3 pages still being fetched, 1 failed.',
      finished: false,
    });
  });

  it('counts learned and failed pages against the total while running', () => {
    expect(describeJob(job({ total: 30, done: 11, failed: 1 }))).toEqual({
      value: 12,
      max: 30,
      text: '12 of 30 pages processed: 11 learned, 1 failed.',
      milestone: 'Learning: 25% done.',
      finished: false,
    });
  });

  it('changes its milestone only every quarter, so a live region is not read every second', () => {
    const milestones = Array.from(
      { length: 21 },
      (_, done) => describeJob(job({ total: 20, done })).milestone,
    );
    expect(new Set(milestones)).toEqual(
      new Set([0, 25, 50, 75, 100].map((p) => `Learning: ${p}% done.`)),
    );
  });

  it('is full and finished when the job succeeded, even with nothing to learn', () => {
    expect(describeJob(job({ state: 'succeeded', total: 3, done: 2, failed: 1 }))).toMatchObject({
      value: 3,
      max: 3,
      text: 'Done: 2 of 3 pages learned, 1 failed.',
      finished: true,
    });
    expect(describeJob(job({ state: 'succeeded', total: 0 }))).toMatchObject({
      value: 0,
      max: 0,
      text: 'Done: 0 of 0 pages learned.',
      finished: true,
    });
  });

  it('says why a job failed', () => {
    expect(describeJob(job({ state: 'failed', reason: 'not queued' }))).toMatchObject({
      text: 'The job failed: not queued',
      finished: true,
    });
  });
});
