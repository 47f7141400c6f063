/** cli-table3 settings for a table without borders: columns two spaces apart, no padding inside. */
export const PLAIN_TABLE = {
  style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '',
  },
};
