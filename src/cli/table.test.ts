import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('pads every column to its widest cell, numbers on the right', () => {
    const text = renderTable(
      [{ header: 'manager' }, { header: 'credited', align: 'right' }],
      [
        ['Ada Park', '1200.00'],
        ['Bo', '75.50'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'manager   credited',
      '--------  --------',
      'Ada Park   1200.00',
      'Bo           75.50',
    ]);
  });

  it('prints the header alone when there are no rows', () => {
    expect(renderTable([{ header: 'a' }, { header: 'b' }], [])).toBe('a  b\n-  -');
  });
});
