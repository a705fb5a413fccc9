import { describe, expect, it } from 'vitest';
import { CSV_ROWS, csvRows, rowCells } from '../../../renderer/src/ui/csv-rows.js';

describe('csvRows (the CSV tables of the blob and MLflow artifact previews)', () => {
  it('takes the first line as the header and keeps quoted fields whole', () => {
    expect(csvRows('model,accuracy\n"vit, large",0.94\nresnet,0.91\n', false)).toEqual({
      head: ['model', 'accuracy'],
      rows: [
        ['vit, large', '0.94'],
        ['resnet', '0.91'],
      ],
      total: 2,
      warning: undefined,
    });
  });

  it('splits TSV on tabs only', () => {
    expect(csvRows('a\tb\n1,5\t2\n', true)?.rows).toEqual([['1,5', '2']]);
  });

  it('keeps the first rows and counts them all', () => {
    const lines = ['n', ...Array.from({ length: CSV_ROWS + 50 }, (_, i) => String(i))];
    const table = csvRows(lines.join('\n'), false);
    expect(table?.rows).toHaveLength(CSV_ROWS);
    expect(table?.rows.at(-1)).toEqual([String(CSV_ROWS - 1)]);
    expect(table?.total).toBe(CSV_ROWS + 50);
  });

  it('has no table for empty text, and reads a one-column file without a warning', () => {
    expect(csvRows('', false)).toBeUndefined();
    expect(csvRows('name\nalpha\nbeta\n', false)).toMatchObject({ rows: [['alpha'], ['beta']], warning: undefined });
  });

  it('warns when a line is not valid CSV', () => {
    expect(csvRows('a,b\n"open,1\n', false)?.warning).toBeTruthy();
  });
});

describe('rowCells', () => {
  it('pads a short row to the header and keeps every cell of a long one', () => {
    expect(rowCells(['a', 'b', 'c'], ['1'])).toEqual(['1', '', '']);
    expect(rowCells(['a', 'b', 'c'], ['1', '2', '3', '4'])).toEqual(['1', '2', '3', '4']);
  });
});
