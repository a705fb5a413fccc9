import { useState } from 'react';
import { formatSysroot } from '../../../shared/sysroot.js';
import { parseWasbs } from '../../../shared/wasbs.js';
import { TextField } from '../ui/TextField.js';

interface Props {
  onParsed: (location: { sysroot: string; endpoint: string }) => void;
}

/** Notebooks and MLflow name a datastore as one wasbs:// URI; pasting it fills sysroot and endpoint. */
export function WasbsField({ onParsed }: Props) {
  const [uri, setUri] = useState('');
  const check = uri.trim() === '' ? undefined : parseWasbs(uri);

  function change(value: string) {
    setUri(value);
    const parsed = parseWasbs(value);
    if (parsed.ok) onParsed({ sysroot: formatSysroot(parsed.value), endpoint: parsed.value.endpoint });
  }

  return (
    <TextField
      id="wasbs"
      label="Paste wasbs:// URI"
      optional
      value={uri}
      onChange={change}
      errors={check && !check.ok ? check.errors : []}
      help={
        check?.ok
          ? `Filled in the sysroot and endpoint of account ${check.value.account}.`
          : 'Fills in the sysroot and blob endpoint below, as MLflow and notebooks name a datastore.'
      }
      placeholder="wasbs://<container>@<account>.blob.core.windows.net/<path>"
      testId="wasbs-input"
    />
  );
}
