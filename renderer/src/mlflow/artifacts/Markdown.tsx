import ReactMarkdown from 'react-markdown';

/** A run description (`mlflow.note.content`). Raw HTML in it is dropped, never rendered; links open nothing in-app. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="ml-markdown" data-testid="run-description">
      <ReactMarkdown skipHtml components={{ a: ({ children, href }) => <span className="ml-markdown__link" title={href}>{children}</span> }}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
