/**
 * The `harbor-private-app` command line (`lint`, `preflight`), runnable in-process with `main(argv, io)`.
 */
export * from './args';
export * from './main';
