/** Fan-ins: members counted once each, the last one named, in Redis, durable in MongoDB. */
export {
  createFanIn,
  FanInNotOpenError,
  type Counted,
  type FanIn,
  type FanInFact,
  type FanInOptions,
  type FanInRecord,
  type Rebuild,
  type FanInState,
} from './fan-in';
