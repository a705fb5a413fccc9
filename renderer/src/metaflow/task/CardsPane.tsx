import { useState } from 'react';
import type { CardRef } from '../../../../shared/contract.js';
import type { TaskRef } from '../queries.js';
import { CardFrame } from './CardFrame.js';

function cardLabel(card: CardRef): string {
  return card.id ? `${card.type} · ${card.id}` : card.type;
}

/** The task's Metaflow cards: a list to pick from, and the picked one rendered. */
export function CardsPane({ task, cards }: { task: TaskRef; cards: CardRef[] }) {
  const [picked, setPicked] = useState<string>();
  if (cards.length === 0) return <p className="empty">This task has no cards: a step decorated with <code>@card</code> shows its card here.</p>;
  const card = cards.find((c) => c.file === picked) ?? cards[0];
  return (
    <div className="cards-pane">
      {cards.length > 1 && (
        <div className="segmented" role="radiogroup" aria-label="Card">
          {cards.map((c) => (
            <button
              key={c.file}
              type="button"
              role="radio"
              aria-checked={c.file === card.file}
              className={`segmented__option${c.file === card.file ? ' segmented__option--on' : ''}`}
              onClick={() => setPicked(c.file)}
              title={c.file}
            >
              {cardLabel(c)}
            </button>
          ))}
        </div>
      )}
      <div className="cards-pane__meta muted">
        <span className="badge">{cardLabel(card)}</span> <span className="mono">{card.file}</span>
      </div>
      <CardFrame key={card.file} task={task} card={card} />
    </div>
  );
}
