export { type RunningRest, startRest } from './server.js';
