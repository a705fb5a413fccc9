import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CsvTable, DataTable, type TableLook } from '../../../renderer/src/ui/DataTable.js';

const look: TableLook = { className: 'wrap', tableClassName: 'table', testId: 'the-table' };

function csv(text: string, tab = false): string {
  return renderToStaticMarkup(createElement(CsvTable, { text, tab, look }));
}

/** The cells of each body row, as text. */
function bodyRows(html: string): string[][] {
  const body = /<tbody>(.*)<\/tbody>/s.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1].matchAll(/<td>(.*?)<\/td>/gs)].map((c) => c[1]));
}

describe('CsvTable', () => {
  it('draws the first line as the header and the rest as rows, quoted fields kept whole', () => {
    const html = csv('model,accuracy\n"vit, large",0.94\nresnet,0.91\n');
    expect([...html.matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1])).toEqual(['model', 'accuracy']);
    expect(bodyRows(html)).toEqual([
      ['vit, large', '0.94'],
      ['resnet', '0.91'],
    ]);
    expect(html).toContain('data-testid="the-table"');
  });

  it('splits TSV on tabs', () => {
    expect(bodyRows(csv('a\tb\n1,5\t2\n', true))).toEqual([['1,5', '2']]);
  });

  it('pads a short row and keeps every cell of a long one', () => {
    expect(bodyRows(csv('a,b,c\n1\n1,2,3,4\n'))).toEqual([
      ['1', '', ''],
      ['1', '2', '3', '4'],
    ]);
  });

  it('shows the first 200 rows and says how many there are', () => {
    const lines = ['n', ...Array.from({ length: 250 }, (_, i) => String(i))];
    const html = csv(lines.join('\n'));
    expect(bodyRows(html)).toHaveLength(200);
    expect(html).toContain('200 of 250 rows shown.');
  });

  it('says an empty file is empty, and a one-column file is read without a warning', () => {
    expect(csv('')).toContain('The table is empty.');
    const single = csv('name\nalpha\nbeta\n');
    expect(bodyRows(single)).toEqual([['alpha'], ['beta']]);
    expect(single).not.toContain('could not be read');
  });

  it('warns when a line is not valid CSV', () => {
    expect(csv('a,b\n"open,1\n')).toContain('Some lines could not be read as CSV');
  });
});

describe('DataTable', () => {
  it('escapes cells as text, never markup', () => {
    const html = renderToStaticMarkup(createElement(DataTable, { head: ['x'], rows: [['<img src=x onerror=alert(1)>']], look }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});
