import type { BindingRecord } from "../../live/records";

export interface LiveBinding {
  id: string;
  trigger: string;
  actionId: string;
  actionName: string;
  displayName: string;
}

export const liveBinding = (trigger: string, b: BindingRecord): LiveBinding => ({
  id: b.id ?? "",
  trigger,
  actionId: b.action?.id ?? "",
  actionName: b.action?.name ?? "",
  displayName: b.display_name ?? b.action?.name ?? "",
});
