import type { FieldProps } from '@rjsf/utils';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Currencies offered as suggestions (any ISO 4217 code is accepted). */
export const COMMON_CURRENCIES = ['USD', 'EUR', 'CNY', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD', 'CAD', 'CHF'] as const;

interface Money {
  amount?: number;
  currency?: string;
}

/**
 * rjsf field for the shared money type: an amount and an ISO 4217 currency, edited together.
 * Clearing the amount clears the value.
 *
 * @example
 * ```ts
 * uiSchema.amount = { 'ui:field': 'money' };
 * ```
 */
export function MoneyField(props: FieldProps) {
  const { t } = useTranslation();
  const formData = props.formData as Money | undefined;
  const { onChange, fieldPathId, schema, required, disabled, readonly, errorSchema, name } = props;
  const id = fieldPathId.$id;
  const [currency, setCurrency] = useState(formData?.currency ?? 'USD');
  const [amountText, setAmountText] = useState(formData?.amount === undefined ? '' : String(formData.amount));
  const emit = (text: string, cur: string) => {
    const n = text.trim() === '' ? undefined : Number(text);
    onChange(n === undefined ? undefined : { amount: Number.isFinite(n) ? n : (text as unknown as number), currency: cur }, fieldPathId.path);
  };
  const errors = [...(errorSchema?.__errors ?? []), ...((errorSchema as Record<string, { __errors?: string[] }> | undefined)?.amount?.__errors ?? [])];
  const currencyErrors = (errorSchema as Record<string, { __errors?: string[] }> | undefined)?.currency?.__errors ?? [];
  const title = schema.title ?? name;
  const off = disabled || readonly;

  return (
    <fieldset className="money-field" aria-describedby={errors.length || currencyErrors.length ? `${id}__error` : undefined}>
      <legend>
        {title}
        {required && <span className="required" aria-hidden="true">*</span>}
      </legend>
      <div className="money-inputs">
        <span>
          <label htmlFor={`${id}-amount`}>{t('forms.amount')}</label>
          <input
            id={`${id}-amount`}
            type="number"
            inputMode="decimal"
            step="any"
            value={amountText}
            disabled={off}
            required={required}
            aria-invalid={errors.length > 0}
            onChange={(e) => {
              setAmountText(e.target.value);
              emit(e.target.value, currency);
            }}
          />
        </span>
        <span>
          <label htmlFor={`${id}-currency`}>{t('forms.currency')}</label>
          <input
            id={`${id}-currency`}
            list={`${id}-currencies`}
            value={currency}
            maxLength={3}
            size={4}
            disabled={off}
            autoCapitalize="characters"
            aria-invalid={currencyErrors.length > 0}
            onChange={(e) => {
              const cur = e.target.value.toUpperCase();
              setCurrency(cur);
              if (amountText.trim() !== '') emit(amountText, cur);
            }}
          />
          <datalist id={`${id}-currencies`}>
            {COMMON_CURRENCIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </span>
      </div>
      {(errors.length > 0 || currencyErrors.length > 0) && (
        <ul id={`${id}__error`} className="error-detail">
          {errors.map((e) => (
            <li key={`a-${e}`} className="text-danger">{e}</li>
          ))}
          {currencyErrors.map((e) => (
            <li key={`c-${e}`} className="text-danger">{t('forms.currency')}: {e}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
