import { StateEffect, StateField, type EditorState, type Range } from '@codemirror/state';
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view';

/** A problem with the document, placed where it is (or nowhere, when its field is not in the text). */
export interface EditorProblem {
  /** `steps[2].dependsOn`, or '' for the document as a whole. */
  field: string;
  message: string;
  from: number | null;
  to: number | null;
}

/** The message itself, shown as a line under the field it names: visible, not only on hover. */
class FieldErrorWidget extends WidgetType {
  constructor(private readonly problem: EditorProblem) {
    super();
  }

  eq(other: FieldErrorWidget): boolean {
    return other.problem.field === this.problem.field && other.problem.message === this.problem.message;
  }

  toDOM(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'cm-field-error';
    el.dataset.field = this.problem.field;
    const glyph = document.createElement('span');
    glyph.className = 'cm-field-error__glyph';
    glyph.setAttribute('aria-hidden', 'true');
    glyph.textContent = '✕ ';
    el.append(glyph, this.problem.field ? `${this.problem.field}: ${this.problem.message}` : this.problem.message);
    return el;
  }
}

export const setProblems = StateEffect.define<EditorProblem[]>();

function decorate(state: EditorState, problems: EditorProblem[]): DecorationSet {
  const ranges: Array<Range<Decoration>> = [];
  for (const p of problems) {
    if (p.from === null) continue;
    const from = Math.min(p.from, state.doc.length);
    const line = state.doc.lineAt(from);
    const to = Math.min(Math.max(p.to ?? from, from), line.to);
    ranges.push(Decoration.line({ class: 'cm-field-error-line' }).range(line.from));
    if (to > from) ranges.push(Decoration.mark({ class: 'cm-field-error-mark' }).range(from, to));
    ranges.push(Decoration.widget({ widget: new FieldErrorWidget(p), block: true, side: 1 }).range(line.to));
  }
  return Decoration.set(ranges, true);
}

/** Holds the problems' decorations and moves them along as the text is edited. */
export const fieldErrors = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setProblems)) return decorate(tr.state, effect.value);
    return value.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});
