/** Types for the benchmark's format writers, so that tests can use them. */
export declare function toProtobuf(jsonl: string, path: string): Promise<void>;
export declare function toZipkin(jsonl: string, path: string): Promise<void>;
export declare function encodeRequest(doc: unknown): Buffer;
