/**
 * Registry-side checks, framework-free: can an image be pulled with a robot's credentials?
 */
export * from './pull-check';
export * from './www-authenticate';
