import type { FieldProps } from '@rjsf/utils';
import { ISO_4217_CURRENCIES } from '@pipewright/schemas';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Currencies listed first in the picker; every ISO 4217 code the runtime knows follows. */
export const COMMON_CURRENCIES = ['USD', 'EUR', 'CNY', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD', 'CAD', 'CHF'] as const;

/**
 * The picker's options: common currencies, then every other ISO 4217 code (`Intl.supportedValuesOf`),
 * each labelled "EUR - Euro" in the interface language. A stored code outside the list (older
 * data) stays selectable so the form never changes it silently; the server refuses it on save.
 */
export function currencyOptions(language: string, current?: string): { common: { code: string; label: string }[]; all: { code: string; label: string }[] } {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([language, 'en'], { type: 'currency' });
  } catch {
    names = undefined;
  }
  const label = (code: string) => {
    const name = names?.of(code);
    return name && name !== code ? `${code} - ${name}` : code;
  };
  const known = new Set(ISO_4217_CURRENCIES);
  const common = COMMON_CURRENCIES.filter((c) => known.has(c)).map((code) => ({ code, label: label(code) }));
  const isCommon = new Set<string>(COMMON_CURRENCIES);
  const extra = current && !known.has(current) ? [current] : [];
  return { common, all: [...extra, ...ISO_4217_CURRENCIES.filter((c) => !isCommon.has(c))].map((code) => ({ code, label: label(code) })) };
}

interface Money {
  amount?: number;
  currency?: string;
}

/**
 * rjsf field for the shared money types: an amount and an ISO 4217 currency picked from a list
 * (no free text, so "dollars" cannot become "DOL"), edited together. Clearing the amount clears
 * the value. The amount input refuses negatives unless the schema allows them (`signedMoney`).
 *
 * @example
 * ```ts
 * uiSchema.amount = { 'ui:field': 'money' };
 * ```
 */
export function MoneyField(props: FieldProps) {
  const { t, i18n } = useTranslation();
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
  const options = useMemo(() => currencyOptions(i18n.language, currency), [i18n.language, currency]);
  const amountSchema = (schema.properties as Record<string, { minimum?: number }> | undefined)?.amount;
  const min = typeof amountSchema?.minimum === 'number' ? amountSchema.minimum : undefined;

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
            {...(min === undefined ? {} : { min })}
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
          <select
            id={`${id}-currency`}
            value={currency}
            disabled={off}
            aria-invalid={currencyErrors.length > 0}
            onChange={(e) => {
              const cur = e.target.value;
              setCurrency(cur);
              if (amountText.trim() !== '') emit(amountText, cur);
            }}
          >
            <optgroup label={t('forms.commonCurrencies')}>
              {options.common.map((c) => (
                <option key={`common-${c.code}`} value={c.code}>
                  {c.label}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('forms.allCurrencies')}>
              {options.all.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          </select>
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
