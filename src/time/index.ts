/** @module time — the Clock every timer in src/ goes through. */
export { systemClock, type Clock, type TimerHandle } from './clock.js';
