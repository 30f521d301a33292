/**
 * A label selector, two ways at once: the raw text (full `kubectl -l`
 * syntax, which is what is saved) and a small builder that adds one term at
 * a time from a key, an operator and values, offering the keys and values
 * given (for clusters: the labels on the primary's Cluster objects). The
 * terms of a valid selector show as chips that can be removed. When the text
 * does not parse, the editor points at where: the text again under the
 * field with the character highlighted and a caret beneath it.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { CloseIcon, PlusIcon } from './icons.js';
import { appendTerm, buildTerm, BUILDER_OPERATORS, OPERATOR_LABELS, operatorTakesValues, removeTerm, selectorTerms, type BuilderOperator, type SelectorProblem } from './selector-model.js';

export interface SelectorEditorProps {
  value: string;
  onChange(value: string): void;
  /** What is wrong with the text and where (the caller parses: its preview may already have). */
  problem?: SelectorProblem;
  /** Label keys and their values to offer in the builder. */
  suggestions?: Readonly<Record<string, readonly string[]>>;
  label: string;
  placeholder?: string;
  disabled?: boolean;
  /** Prefix of the test ids: `<id>-input`, `<id>-caret`, `<id>-error`, `<id>-term`, `<id>-key`, `<id>-op`, `<id>-values`, `<id>-add`. */
  testId: string;
}

const NO_SUGGESTIONS: Readonly<Record<string, readonly string[]>> = {};

export function SelectorEditor({ value, onChange, problem, suggestions = NO_SUGGESTIONS, label, placeholder, disabled, testId }: SelectorEditorProps) {
  const id = useId();
  const [key, setKey] = useState('');
  const [op, setOp] = useState<BuilderOperator>('=');
  const [values, setValues] = useState('');
  const [builderProblem, setBuilderProblem] = useState<string | null>(null);
  const terms = problem ? null : selectorTerms(value);
  const keys = Object.keys(suggestions).sort();
  const valueChoices = suggestions[key.trim()] ?? [];

  const add = () => {
    const built = buildTerm(key, op, operatorTakesValues(op) ? values : '');
    if ('problem' in built) return setBuilderProblem(built.problem);
    setBuilderProblem(null);
    onChange(appendTerm(value, built.term));
    setKey('');
    setValues('');
  };
  // Enter in the builder adds the term instead of submitting the form around it.
  const onBuilderKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    add();
  };

  return (
    <div className="selector-editor" data-testid={testId} data-valid={!problem}>
      <label htmlFor={`${id}-text`} className="visually-hidden">
        {label}
      </label>
      <input
        id={`${id}-text`}
        className="input input-mono selector-text"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder ?? 'env=prod, tier in (gold,silver), !legacy'}
        spellCheck={false}
        autoComplete="off"
        maxLength={4096}
        aria-invalid={!!problem}
        aria-describedby={problem ? `${id}-problem` : undefined}
        disabled={disabled}
        data-testid={`${testId}-input`}
      />
      {problem && (
        <div className="selector-problem" id={`${id}-problem`}>
          {problem.position !== undefined && <SelectorCaret text={value} position={problem.position} testId={`${testId}-caret`} />}
          <p className="field-hint field-hint--error" data-testid={`${testId}-error`}>
            {problem.position !== undefined ? `At character ${problem.position + 1}: ` : ''}
            {problem.message}
          </p>
        </div>
      )}
      {terms && terms.length > 1 && (
        <div className="selector-terms" aria-label="Terms (all must hold)">
          {terms.map((t, i) => (
            <span key={`${i}:${t.text}`} className="label-chip label-chip--editable" data-testid={`${testId}-term`} data-term={t.text}>
              {t.text}
              <button type="button" className="chip-remove" aria-label={`Remove ${t.text}`} onClick={() => onChange(removeTerm(value, i))} disabled={disabled}>
                <CloseIcon />
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="selector-builder" onKeyDown={onBuilderKey}>
        <label htmlFor={`${id}-key`} className="visually-hidden">
          Label key
        </label>
        <input id={`${id}-key`} className="input input-mono input-compact selector-key" list={`${id}-keys`} placeholder="label key" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} autoComplete="off" disabled={disabled} data-testid={`${testId}-key`} />
        <datalist id={`${id}-keys`}>
          {keys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <label htmlFor={`${id}-op`} className="visually-hidden">
          Operator
        </label>
        <select id={`${id}-op`} className="input select input-compact selector-op" value={op} onChange={(e) => setOp(BUILDER_OPERATORS.find((o) => o === e.target.value) ?? '=')} disabled={disabled} data-testid={`${testId}-op`}>
          {BUILDER_OPERATORS.map((o) => (
            <option key={o} value={o}>
              {OPERATOR_LABELS[o]}
            </option>
          ))}
        </select>
        {operatorTakesValues(op) && (
          <>
            <label htmlFor={`${id}-values`} className="visually-hidden">
              {op === 'in' || op === 'notin' ? 'Values, separated by commas' : 'Value'}
            </label>
            <input
              id={`${id}-values`}
              className="input input-mono input-compact selector-values"
              list={`${id}-value-list`}
              placeholder={op === 'in' || op === 'notin' ? 'values, comma-separated' : 'value'}
              value={values}
              onChange={(e) => setValues(e.target.value)}
              spellCheck={false}
              autoComplete="off"
              disabled={disabled}
              data-testid={`${testId}-values`}
            />
            <datalist id={`${id}-value-list`}>
              {valueChoices.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          </>
        )}
        <button type="button" className="btn btn-small" onClick={add} disabled={disabled || !!problem} title={problem ? 'Fix the selector first' : undefined} data-testid={`${testId}-add`}>
          <PlusIcon />
          Add term
        </button>
      </div>
      {builderProblem && (
        <p className="field-hint field-hint--error" data-testid={`${testId}-builder-error`}>
          {builderProblem}
        </p>
      )}
    </div>
  );
}

/** The selector text again, monospaced, with the character at `position` marked and a caret under it. */
export function SelectorCaret({ text, position, testId }: { text: string; position: number; testId?: string }) {
  const at = Math.min(Math.max(0, position), text.length);
  return (
    <pre className="selector-caret" aria-hidden="true" data-testid={testId} data-position={at}>
      {text.slice(0, at)}
      <mark className="selector-caret-mark">{text[at] ?? ' '}</mark>
      {text.slice(at + 1)}
      {'\n'}
      {' '.repeat(at)}^
    </pre>
  );
}
