// The CodeMirror 6 pieces the email editor (static/js/editor.js) uses, as one global: window.CodeMirror.
// Only re-exports: the editor's own setup (the MJML schema, the keymaps, the preview hooks) lives in
// static/js/editor.js, so changing it needs no rebuild.
export {
  EditorState, EditorSelection, StateField, StateEffect, RangeSet, RangeSetBuilder,
} from "@codemirror/state";
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars,
  drawSelection, dropCursor, placeholder, Decoration, MatchDecorator, ViewPlugin, GutterMarker, gutterLineClass,
} from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab, undo, redo } from "@codemirror/commands";
export {
  syntaxHighlighting, bracketMatching, indentOnInput, indentUnit, foldGutter, foldKeymap,
} from "@codemirror/language";
export { search, searchKeymap, highlightSelectionMatches, openSearchPanel } from "@codemirror/search";
export {
  autocompletion, completionKeymap, startCompletion, currentCompletions, acceptCompletion,
} from "@codemirror/autocomplete";
export { xml } from "@codemirror/lang-xml";
export { classHighlighter } from "@lezer/highlight";
