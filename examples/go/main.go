package main

import (
	adf "github.com/pulumi/pulumi-adf-databricks/sdk/go/adf-databricks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		platform, err := adf.NewAdfDatabricks(ctx, "data-platform", &adf.AdfDatabricksArgs{
			Location:    config.Require(ctx, "azure-native:location"),
			ClusterMode: adf.ClusterModeExistingCluster,
			InteractiveCluster: &adf.InteractiveClusterArgs{
				SparkVersion:           pulumi.StringRef("15.4.x-scala2.12"),
				NodeType:               pulumi.StringRef("Standard_DS3_v2"),
				NumWorkers:             pulumi.IntRef(1),
				AutoterminationMinutes: pulumi.IntRef(30),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("factoryName", platform.FactoryName)
		ctx.Export("linkedServiceName", platform.LinkedServiceName)
		return nil
	})
}
