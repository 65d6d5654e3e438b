/** Presets: payment methods and payment types (create, update, list by kind). */
import { CreatePresetInput, Page, Parties, PaymentPreset, UpdatePresetInput } from "@paybridge/core"
import { PresetListInput } from "../inputs.ts"
import { jsonInput, jsonOutput } from "../json-codec.ts"
import { protectedProcedure, router } from "../trpc.ts"

const encodePreset = jsonOutput(PaymentPreset)
const encodePage = jsonOutput(Page(PaymentPreset))

export const presetsRouter = router({
  create: protectedProcedure
    .input(jsonInput(CreatePresetInput))
    .mutation(async ({ ctx, input }) =>
      encodePreset(await ctx.runLedger(Parties.use((parties) => parties.createPreset(input))))
    ),
  update: protectedProcedure
    .input(jsonInput(UpdatePresetInput))
    .mutation(async ({ ctx, input }) =>
      encodePreset(await ctx.runLedger(Parties.use((parties) => parties.updatePreset(input))))
    ),
  list: protectedProcedure
    .input(jsonInput(PresetListInput))
    .query(async ({ ctx, input: { kind, ...page } }) =>
      encodePage(await ctx.runLedger(Parties.use((parties) => parties.listPresets(kind, page))))
    )
})
