import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorSelection, EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { DocumentFormat } from '../logic/job-document';
import { fieldErrors, setProblems, type EditorProblem } from './field-errors';

interface CodeEditorProps {
  value: string;
  format: DocumentFormat;
  onChange: (text: string) => void;
  onSave: () => void;
  problems: EditorProblem[];
  /** Moves the cursor to this offset (the error list's "go to" buttons). */
  focusAt: { offset: number; seq: number } | null;
  label: string;
}

/** CodeMirror 6 with JSON or YAML, lint markers and the API's errors under the fields they name. */
export function CodeEditor({ value, format, onChange, onSave, problems, focusAt, label }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const handlers = useRef({ onChange, onSave });
  useEffect(() => {
    handlers.current = { onChange, onSave };
  });

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          language.current.of(format === 'json' ? json() : yaml()),
          lintGutter(),
          fieldErrors,
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                handlers.current.onSave();
                return true;
              },
            },
          ]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) handlers.current.onChange(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': label }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; later changes of value and format are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Text replaced from outside (a loaded job, a format switch): swap the whole document.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(format === 'json' ? json() : yaml()) });
  }, [format]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = problems
      .filter((p) => p.from !== null)
      .map((p) => {
        const from = Math.min(p.from!, length);
        return {
          from,
          to: Math.min(Math.max(p.to ?? from, from), length),
          severity: 'error',
          message: p.field ? `${p.field}: ${p.message}` : p.message,
        };
      });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
    editor.dispatch({ effects: setProblems.of(problems) });
  }, [problems]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !focusAt) return;
    const offset = Math.min(focusAt.offset, editor.state.doc.length);
    editor.dispatch({ selection: EditorSelection.cursor(offset), scrollIntoView: true });
    editor.focus();
  }, [focusAt]);

  return <div ref={host} className="code-editor" data-testid="job-editor" />;
}
