import './preview.css';
import { useState, type ReactNode } from 'react';
import { formatCount, plural } from '../../format.js';
import { BytesView } from './BytesView.js';
import { DataFrameView, indexLabel } from './DataFrameView.js';
import { InlineValue, summary } from './InlineValue.js';
import { NdarrayView } from './NdarrayView.js';
import { scalarText, type PreviewField, type PreviewValue } from './preview-value.js';

/** Levels open on first show; deeper containers start collapsed. */
const OPEN_DEPTH = 2;
/** Long or multi-line strings get a block of their own. */
const BLOCK_STR = 80;

interface Child {
  key: string;
  label: ReactNode;
  value: PreviewValue;
}

/** True for values drawn as a block (a tree, table or dump) rather than inline. */
function isBlock(value: PreviewValue): boolean {
  switch (value.kind) {
    case 'list':
    case 'tuple':
    case 'set':
    case 'dict':
    case 'record':
    case 'object':
    case 'exception':
    case 'ndarray':
    case 'dataframe':
    case 'series':
    case 'index':
      return true;
    default:
      return false;
  }
}

function keyLabel(key: PreviewValue): ReactNode {
  return key.kind === 'str' ? <span className="pv-key">{JSON.stringify(key.value)}</span> : <InlineValue value={key} />;
}

function fieldChildren(fields: PreviewField[], prefix: string): Child[] {
  return fields.map((f, i) => ({ key: `${prefix}${i}`, label: <span className="pv-key">{f.name ?? `[${i}]`}</span>, value: f.value }));
}

/** The entries of a container-like value, each with the label it is listed under. */
function children(value: PreviewValue): { items: Child[]; total: number } {
  switch (value.kind) {
    case 'list':
    case 'tuple':
    case 'set': {
      const items = Array.isArray(value.items) ? value.items : [];
      return { items: items.map((v, i) => ({ key: String(i), label: <span className="pv-index">{i}</span>, value: v })), total: value.length };
    }
    case 'dict': {
      const entries = Array.isArray(value.entries) ? value.entries : [];
      return { items: entries.map((e, i) => ({ key: String(i), label: keyLabel(e.key), value: e.value })), total: value.length };
    }
    case 'record':
      return { items: fieldChildren(value.fields ?? [], 'f'), total: value.fields?.length ?? 0 };
    case 'object': {
      const items: Child[] = [
        ...(value.args ?? []).map((v, i) => ({ key: `a${i}`, label: <span className="pv-index">arg {i}</span>, value: v })),
        ...fieldChildren(value.fields ?? [], 'f'),
        ...(value.state ? [{ key: 'state', label: <span className="pv-index">state</span>, value: value.state }] : []),
        ...(value.items ?? []).map((v, i) => ({ key: `i${i}`, label: <span className="pv-index">{i}</span>, value: v })),
        ...(value.entries ?? []).map((e, i) => ({ key: `e${i}`, label: keyLabel(e.key), value: e.value })),
      ];
      return { items, total: items.length };
    }
    case 'series': {
      const values = Array.isArray(value.values) ? value.values : [];
      return {
        items: values.map((v, i) => {
          const label = indexLabel(value.index, i);
          return { key: String(i), label: typeof label === 'number' ? <span className="pv-index">{label}</span> : <InlineValue value={label} />, value: v };
        }),
        total: value.length,
      };
    }
    case 'index': {
      const values = Array.isArray(value.values) ? value.values : [];
      return { items: values.map((v, i) => ({ key: String(i), label: <span className="pv-index">{i}</span>, value: v })), total: value.length };
    }
    default:
      return { items: [], total: 0 };
  }
}

function TreeNode({ value, depth }: { value: PreviewValue; depth: number }) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const { items, total } = children(value);
  const empty = total === 0 && items.length === 0;
  return (
    <div className="pv-tree" data-kind={value.kind}>
      <button type="button" className="pv-toggle" aria-expanded={empty ? undefined : open} disabled={empty} onClick={() => setOpen(!open)}>
        <span className="pv-toggle__arrow" aria-hidden="true">
          {empty ? '·' : open ? '▾' : '▸'}
        </span>
        <span className="pv-summary">{empty ? `${summary(value)} (empty)` : summary(value)}</span>
      </button>
      {open && !empty && (
        <ul className="pv-children">
          {items.map((child) => (
            <li key={child.key} className="pv-child">
              <span className="pv-child__label">{child.label}</span>
              <span className="pv-child__sep">:</span>
              <PreviewValueView value={child.value} depth={depth + 1} />
            </li>
          ))}
          {items.length < total && <li className="pv-more">… {plural(total - items.length, 'more item')} not in the preview</li>}
        </ul>
      )}
    </div>
  );
}

function ExceptionView({ value }: { value: Extract<PreviewValue, { kind: 'exception' }> }) {
  return (
    <div className="pv-exception" data-testid="preview-exception">
      <div className="pv-exception__head">
        <span className="pv-exception__type">{value.type}</span>
        {value.message && <span className="pv-exception__message">{value.message}</span>}
      </div>
      {value.traceback && <pre className="pv-traceback">{value.traceback}</pre>}
    </div>
  );
}

function StrBlock({ value }: { value: Extract<PreviewValue, { kind: 'str' }> }) {
  return (
    <div className="pv-str-block">
      <div className="pv-meta">
        str · {formatCount(value.value.length)} characters, {formatCount(value.byteLength)} bytes UTF-8
        {value.truncated && ' · cut short'}
      </div>
      <pre className="pv-str-text">{value.value}</pre>
    </div>
  );
}

interface Props {
  value: PreviewValue;
  /** 0 for the artifact itself; containers below OPEN_DEPTH start collapsed. */
  depth?: number;
}

/** Any decoded value: scalars inline, containers as a collapsible tree, arrays and frames as tables. */
export function PreviewValueView({ value, depth = 0 }: Props) {
  switch (value.kind) {
    case 'dataframe':
      return depth === 0 ? <DataFrameView value={value} /> : <NestedTable value={value} depth={depth} />;
    case 'ndarray':
      return depth === 0 ? <NdarrayView value={value} /> : <NestedTable value={value} depth={depth} />;
    case 'exception':
      return <ExceptionView value={value} />;
    case 'bytes':
      return depth === 0 ? (
        <BytesView base64={value.base64} length={value.length} truncated={value.truncated} mutable={value.mutable} />
      ) : (
        <InlineValue value={value} />
      );
    case 'str':
      return depth === 0 && (value.value.length > BLOCK_STR || value.value.includes('\n')) ? <StrBlock value={value} /> : <InlineValue value={value} />;
    default:
      if (isBlock(value)) return <TreeNode value={value} depth={depth} />;
      return depth === 0 ? (
        <div className="pv-scalar" data-testid="preview-scalar">
          <InlineValue value={value} />
          <span className="pv-meta pv-scalar__kind">{value.kind}</span>
        </div>
      ) : (
        <InlineValue value={value} />
      );
  }
}

/** A frame or array inside a container: a summary line that opens into its table. */
function NestedTable({ value, depth }: { value: Extract<PreviewValue, { kind: 'dataframe' | 'ndarray' }>; depth: number }) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  return (
    <div className="pv-tree">
      <button type="button" className="pv-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="pv-toggle__arrow" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="pv-summary">{summary(value)}</span>
      </button>
      {open && (value.kind === 'dataframe' ? <DataFrameView value={value} /> : <NdarrayView value={value} />)}
    </div>
  );
}

/** One line for parameters and other small places: the scalar, or a container's summary. */
export function PreviewSummary({ value }: { value: PreviewValue }) {
  return scalarText(value) !== undefined || !isBlock(value) ? <InlineValue value={value} /> : <PreviewValueView value={value} depth={1} />;
}
