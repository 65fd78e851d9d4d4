// Network namespaces for the tests: the same code `airlock lab` uses (src/lab/netns.ts).
export { Netns, type Link } from '../../src/lab/netns.js';
