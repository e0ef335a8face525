// Command composecheck loads compose files with the Compose Specification's reference loader (compose-go): the
// files are validated against the specification's schema, interpolated and normalised as docker compose would,
// and any error fails the command. The variables the files require must be in the environment.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: composecheck COMPOSE_FILE...")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv, cli.WithConsistency(true))
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	fmt.Printf("compose: %s is valid (%d services, %d volumes)\n", project.Name, len(project.Services),
		len(project.Volumes))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose: %v\n", err)
	os.Exit(1)
}
