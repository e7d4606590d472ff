/**
 * One line of the benchmark's table, as bench/results.json keeps it: what was
 * measured, the floor measured beside it in the same run, and the target.
 */
export interface Figure {
  figure: string;
  value: number;
  unit: string;
  floor?: number;
  ratio?: number;
  target: string;
  met: boolean;
  runs: number[] | string;
  floorRuns?: number[];
  note?: string;
}
