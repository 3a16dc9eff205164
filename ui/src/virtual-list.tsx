/**
 * @module ui/virtual-list — a windowed list: only the rows in view plus an overscan band are in the
 * DOM, whatever the length (a 5,000-message transcript, 1,000 sessions).
 *
 * Rows have variable heights: each rendered row is measured (ResizeObserver, so a streaming reply
 * or an opened tool card re-measures) and cached by key; unmeasured rows count as `estimate`.
 * Two scroll rules keep reading stable: a list scrolled to the bottom stays there as rows grow or
 * arrive (stick-to-bottom while streaming), and otherwise the first visible row stays put when
 * rows are prepended above it (older history pages) or re-measured.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';

/** How close to an end (px) counts as "at" it. */
const EDGE_PX = 48;

export interface VirtualListProps<T> {
  items: readonly T[];
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  /** Height assumed for a row not measured yet. */
  estimate: number;
  /** Extra pixels rendered above and below the viewport. */
  overscan?: number;
  /** Start at (and follow) the bottom, as a chat log does. */
  stickToBottom?: boolean;
  onNearTop?: () => void;
  onNearBottom?: () => void;
  /** Rendered above the rows (e.g. a "load earlier" button), inside the scroller. */
  header?: ComponentChildren;
  class?: string;
  attributes?: Record<string, string>;
}

export function VirtualList<T>(props: VirtualListProps<T>): JSX.Element {
  const { items, keyOf, estimate } = props;
  const overscan = props.overscan ?? 600;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const isAtBottom = useRef(props.stickToBottom === true);
  /** The first visible row and its distance from the viewport top, for scroll anchoring. */
  const anchor = useRef<{ key: string; delta: number } | undefined>(undefined);

  const keys = useMemo(() => items.map(keyOf), [items]);
  const offsets = useMemo(() => {
    const result = new Array<number>(keys.length + 1);
    result[0] = 0;
    for (let i = 0; i < keys.length; i++) result[i + 1] = result[i]! + (heights.current.get(keys[i]!) ?? estimate);
    return result;
  }, [keys, version]);
  const total = offsets[keys.length]!;
  const indexAt = (y: number): number => {
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (offsets[mid + 1]! <= y) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const first = Math.max(0, indexAt(viewport.top - overscan));
  const last = Math.min(keys.length, indexAt(viewport.top + viewport.height + overscan) + 1);

  const observer = useMemo(
    () =>
      new ResizeObserver((entries) => {
        let isChanged = false;
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset['vkey'];
          const height = (entry.target as HTMLElement).offsetHeight;
          if (key !== undefined && height > 0 && heights.current.get(key) !== height) {
            heights.current.set(key, height);
            isChanged = true;
          }
        }
        if (isChanged) setVersion((v) => v + 1);
      }),
    [],
  );
  const observed = useRef(new Set<HTMLElement>());
  useLayoutEffect(() => () => observer.disconnect(), []);

  // After every render: observe the rendered rows, then restore the scroll position by the rules above.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const rendered = new Set(Array.from(element.querySelectorAll<HTMLElement>('[data-vkey]')));
    for (const row of observed.current) if (!rendered.has(row)) observer.unobserve(row);
    for (const row of rendered) if (!observed.current.has(row)) observer.observe(row);
    observed.current = rendered;
    const headerHeight = (element.firstElementChild as HTMLElement | null)?.offsetHeight ?? 0;
    if (isAtBottom.current) element.scrollTop = element.scrollHeight;
    else if (anchor.current !== undefined) {
      const index = keys.indexOf(anchor.current.key);
      if (index >= 0) {
        const wanted = headerHeight + offsets[index]! - anchor.current.delta;
        if (Math.abs(element.scrollTop - wanted) > 1) element.scrollTop = wanted;
      }
    }
    remember();
  });

  const remember = (): void => {
    const element = scroller.current;
    if (element === null) return;
    const headerHeight = (element.firstElementChild as HTMLElement | null)?.offsetHeight ?? 0;
    const top = element.scrollTop;
    const index = Math.min(indexAt(Math.max(0, top - headerHeight)), keys.length - 1);
    anchor.current = index >= 0 ? { key: keys[index]!, delta: headerHeight + offsets[index]! - top } : undefined;
    if (top !== viewport.top || element.clientHeight !== viewport.height) setViewport({ top, height: element.clientHeight });
  };

  const onScroll = (): void => {
    const element = scroller.current;
    if (element === null) return;
    isAtBottom.current = props.stickToBottom === true && element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX;
    remember();
    if (element.scrollTop < EDGE_PX * 4) props.onNearTop?.();
    if (element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX * 4) props.onNearBottom?.();
  };

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    rows.push(
      <div key={keys[i]} class="vrow" data-vkey={keys[i]}>
        {props.render(item)}
      </div>,
    );
  }
  return (
    <div ref={scroller} class={`vlist ${props.class ?? ''}`} onScroll={onScroll} {...props.attributes} data-rows={String(keys.length)}>
      <div class="vheader">{props.header}</div>
      <div style={{ height: `${total}px`, position: 'relative' }}>
        <div style={{ transform: `translateY(${offsets[first]}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
