import { Chart, Testing } from 'cdk8s';

/** The message of the chart's synthesis failure (its validations included), or undefined when it synthesizes. */
export function synthError(chart: Chart): string | undefined {
  try {
    Testing.synth(chart);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
