// Expected failures are values, not exceptions. E is a union told apart by a `code` string that
// starts with its folder's prefix (HL7_, DICOM_, FHIR_, CHANNEL_, ...). Each protocol edge maps codes once.
export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export type AppError = { code: string; message: string };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E extends AppError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
