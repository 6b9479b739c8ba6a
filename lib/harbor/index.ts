/**
 * Harbor REST API v2.0 client: projects, members and robot accounts.
 */
export * from './checked-write';
export * from './client';
export * from './endpoint';
export * from './errors';
export * from './permissions';
export * from './retry';
export * from './robot-access';
export * from './types';
export * from './validate';
export * from './tuning';
