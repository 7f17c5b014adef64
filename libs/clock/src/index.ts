export { type Clock, type TimerHandle, systemClock, sleepOn } from './clock.js';
export { type Random, mathRandom, seededRandom } from './random.js';
