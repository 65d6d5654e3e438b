/** Sign-in: email and password of a platform user; a wrong pair is answered in words. */
import { useMutation } from "@tanstack/react-query"
import { useForm } from "react-hook-form"
import { ErrorNotice } from "../components/states.tsx"
import { useSession } from "../lib/session.tsx"
import { useTRPC } from "../lib/trpc.ts"

interface SignInForm {
  email: string
  password: string
}

export const SignInPage = () => {
  const trpc = useTRPC()
  const { signedIn } = useSession()
  const form = useForm<SignInForm>({ defaultValues: { email: "", password: "" } })
  const signIn = useMutation(
    trpc.session.signIn.mutationOptions({
      onSuccess: (session) => signedIn(session)
    })
  )
  const { errors } = form.formState
  return (
    <main className="sign-in">
      <form className="card" onSubmit={form.handleSubmit((values) => signIn.mutate(values))} noValidate>
        <h1>Paybridge admin</h1>
        <p className="muted">Sign in with your platform user.</p>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            aria-invalid={errors.email ? true : undefined}
            {...form.register("email", { required: "Enter your email address" })}
          />
        </label>
        {errors.email ? <p className="field-error">{errors.email.message}</p> : null}
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            aria-invalid={errors.password ? true : undefined}
            {...form.register("password", { required: "Enter your password" })}
          />
        </label>
        {errors.password ? <p className="field-error">{errors.password.message}</p> : null}
        {signIn.error ? <ErrorNotice error={signIn.error} /> : null}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  )
}
