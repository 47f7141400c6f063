/** The project config file, looked for in the current directory unless `--config` names one. */
export const CONFIG_FILE = '.otrace.json';
