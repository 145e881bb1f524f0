// Command ferretdb-local runs FerretDB (MongoDB 7 wire protocol over SQLite) for tests and local
// development. It embeds FerretDB's library package instead of building FerretDB's own command,
// whose version file is only generated in FerretDB's release pipeline and is empty in the module
// proxy's copy. It prints one JSON line {"uri": "..."} once the listener accepts connections,
// then serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (required)")
	verbose := flag.Bool("verbose", false, "log FerretDB's own messages to stderr")
	flag.Parse()

	if *dataDir == "" {
		fail("-data-dir is required")
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil || os.MkdirAll(abs, 0o700) != nil {
		fail("cannot create data directory " + *dataDir)
	}

	logOut := io.Discard
	if *verbose {
		logOut = os.Stderr
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    slog.New(slog.NewTextHandler(logOut, nil)),
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		fail(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// MongoDBURI blocks until Run has bound the listener, so the line below means "ready".
	line, _ := json.Marshal(map[string]string{"uri": f.MongoDBURI()})
	fmt.Println(string(line))

	<-done
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "ferretdb-local: "+msg)
	os.Exit(2)
}
