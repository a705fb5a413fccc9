import { Component, type ReactNode } from 'react';

interface Props {
  /** What could not be drawn, e.g. "this preview". */
  what: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** Keeps a value the renderer cannot draw (an unexpected preview shape) from taking the whole window down. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="error-panel" role="alert" data-testid="error">
          <div className="error-panel__title">
            <span data-testid="error-message">Stratus could not draw {this.props.what}.</span>
          </div>
          <p className="error-panel__hint">{this.state.error.message}</p>
        </div>
      );
    }
    return this.props.children;
  }
}
