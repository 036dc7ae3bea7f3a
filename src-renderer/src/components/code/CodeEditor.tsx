import { javascript } from '@codemirror/lang-javascript';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

export interface EditorMark {
  line: number;
  column?: number | undefined;
  message: string;
}

/**
 * CodeMirror 6 with JavaScript support. Mod-Enter calls `onRun`; `mark` underlines and
 * explains the line an error points at. The editor owns its text; `onChange` reports edits.
 */
export function CodeEditor(props: {
  value: string;
  onChange: (code: string) => void;
  onRun?: () => void;
  mark?: EditorMark | null;
  ariaLabel?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          keymap.of([
            { key: 'Mod-Enter', run: () => (latest.current.onRun?.(), true), preventDefault: true },
          ]),
          basicSetup,
          javascript(),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': latest.current.ariaLabel ?? 'Code editor' }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // Outside changes (a template chosen, a version loaded) replace the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = [];
    if (props.mark && props.mark.line >= 1 && props.mark.line <= v.state.doc.lines) {
      const line = v.state.doc.line(props.mark.line);
      const from = Math.min(line.to, line.from + Math.max(0, (props.mark.column ?? 1) - 1));
      diagnostics.push({ from, to: Math.max(from, line.to), severity: 'error', message: props.mark.message });
    }
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [props.mark]);

  return <div ref={host} className="code-editor" />;
}
