/**
 * Read-only text to copy (manifests, Helm flags; never a secret): a code
 * block with a Copy button. The page's clipboard API may be refused (the
 * app denies every permission; a preview page may lack focus), so a refused
 * copy falls back to selecting the text for Ctrl+C.
 */
import { useEffect, useRef, useState } from 'react';
import { CheckIcon, CopyIcon } from './icons.js';

type CopyState = 'idle' | 'copied' | 'selected';

function selectContents(el: HTMLElement): void {
  const selection = window.getSelection();
  if (!selection) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  selection.removeAllRanges();
  selection.addRange(range);
}

export function CodeBlock({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const [state, setState] = useState<CopyState>('idle');

  // "Copied" says so for a few seconds; "Selected" stays until the selection goes (blur).
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
      return;
    } catch {
      // Refused: fall through to the selection.
    }
    const el = ref.current;
    if (!el) return;
    selectContents(el);
    el.focus();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    setState(copied ? 'copied' : 'selected');
  };

  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-block-bar">
        <span className="code-block-label">{label}</span>
        <span className="code-block-note" role="status" data-testid={testId && `${testId}-copy-note`} data-state={state}>
          {state === 'copied' ? 'Copied' : state === 'selected' ? 'Selected: press Ctrl+C (⌘C) to copy' : ''}
        </span>
        <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid={testId && `${testId}-copy`}>
          {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
          Copy
        </button>
      </div>
      <pre ref={ref} className="code-block-text" tabIndex={0} aria-label={label} data-testid={testId && `${testId}-text`} onBlur={() => setState('idle')}>
        {text}
      </pre>
    </div>
  );
}
