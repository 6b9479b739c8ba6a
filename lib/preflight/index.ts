/**
 * `harbor-private-app preflight`, framework-free: do the images exist in Harbor, and may the pull Secret's robot pull
 * them?
 */
export * from './errors';
export * from './harbor-preflight';
