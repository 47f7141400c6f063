import { z } from 'zod';

/**
 * On every document: the inputs among several that could not be read and were left out (the
 * result is partial), each with its one-line error. Absent when every input was read.
 */
export const SkippedInputsField = {
  skippedInputs: z.array(z.object({ input: z.string(), reason: z.string() })).optional(),
};
