// The package root: the framework-free core. Engines live at `harbor-private-app/cdk8s` and `harbor-private-app/pulumi`.
export * from './core';
