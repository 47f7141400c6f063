/**
 * What the pipeline tells the command running it, as it goes: warnings (a line each on stderr),
 * progress (a spinner on a terminal), and how it reads (OTRACE_DEBUG). The pipeline never prints.
 */
export interface PipelineHooks {
  readonly warn: (message: string) => void;
  readonly progress?: (text: string) => void;
  readonly debug?: (message: string) => void;
  /**
   * An input among several that could not be read, left out of the result (see readInputs):
   * the command says its result is partial. Without this hook, such an input fails the run.
   */
  readonly skipInput?: (skipped: SkippedInput) => void;
}

/** An input left out: its name and the one-line error that kept it out. */
export interface SkippedInput {
  readonly input: string;
  readonly reason: string;
}
