/**
 * Vite build of the admin console. Production: `vite build` writes `dist/`, which `apps/api` serves
 * under `/admin` (hence `base`). Development: `pnpm --filter @paybridge/admin dev` serves the app
 * with hot reload and proxies `/trpc` to the API (`PAYBRIDGE_API_URL`, default http://127.0.0.1:3000).
 */
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"

export default defineConfig({
  base: "/admin/",
  plugins: [react()],
  server: {
    proxy: { "/trpc": process.env.PAYBRIDGE_API_URL ?? "http://127.0.0.1:3000" }
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 }
})
