/**
 * What the pipeline tells the command running it, as it goes: warnings (a line each on stderr),
 * progress (a spinner on a terminal), and how it reads (OTRACE_DEBUG). The pipeline never prints.
 */
export interface PipelineHooks {
  readonly warn: (message: string) => void;
  readonly progress?: (text: string) => void;
  readonly debug?: (message: string) => void;
}
