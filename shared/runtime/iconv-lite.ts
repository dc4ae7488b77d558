/**
 * What the Functions Framework's body parsers (body-parser, raw-body) and html-encoding-sniffer
 * ask of `iconv-lite`, done by the WHATWG `TextDecoder` Node carries (ICU): the build puts this
 * module in iconv-lite's place in every bundle (tools/build), which drops its ~480 KiB of
 * conversion tables from each bundle and its start. MultiVAC only ever decodes: request bodies
 * (in practice UTF-8) and fetched pages (`shared/extract/decode.ts`, TextDecoder already). The
 * charsets known are the WHATWG Encoding Standard's labels; any other is "not recognized", which
 * body-parser answers with a 415, as it did for names iconv-lite lacked.
 */

function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding.trim());
  } catch {
    // The message raw-body recognises as "unknown encoding".
    throw new Error(`Encoding not recognized: '${encoding}'`);
  }
}

/** Whether `encoding` names a charset TextDecoder knows. */
export function encodingExists(encoding: string): boolean {
  try {
    decoderFor(encoding);
    return true;
  } catch {
    return false;
  }
}

/** The text of `bytes`; a leading byte order mark is dropped, as iconv-lite does. */
export function decode(bytes: Uint8Array, encoding: string): string {
  return decoderFor(encoding).decode(bytes);
}

/** A streaming decoder: a character split between chunks comes out whole. */
export function getDecoder(encoding: string): { write(chunk: Uint8Array): string; end(): string } {
  const decoder = decoderFor(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

export default { encodingExists, decode, getDecoder };
