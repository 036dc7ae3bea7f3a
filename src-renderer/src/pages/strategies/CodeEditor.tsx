import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { drawSelection, EditorView, highlightActiveLine, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

/**
 * CodeMirror 6 for strategy source. The `codemirror` package installed here is the 5.x line, so
 * the editor is assembled from the CodeMirror 6 packages that @codemirror/lang-javascript brings
 * (@codemirror/view, /language); there is no history/commands package, so no undo keymap yet. Uncontrolled inside (CodeMirror owns the text while typing);
 * a different `docKey` (another strategy or version) replaces the document.
 */
export function CodeEditor({
  value,
  docKey,
  onChange,
  readOnly = false,
}: {
  value: string;
  docKey: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      doc: value,
      extensions: [
        lineNumbers(),
        highlightActiveLine(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle),
        javascript(),
        EditorView.editable.of(!readOnly),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChangeRef.current(u.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'Strategy source' }),
      ],
    });
    view.current = v;
    return () => v.destroy();
    // Recreated only for another document; typing must not rebuild the editor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [docKey, readOnly]);

  return <div className="code-editor" ref={host} />;
}
