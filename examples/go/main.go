package main

import (
	adf "example.com/pulumi-adf-databricks/sdk/go/adfdatabricks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The SDK is generated from the component's inferred schema (`pulumi package add` writes it to
		// sdks/adf-databricks and adds the replace in go.mod). Its inputs are plain values, so optional ones are
		// pointers; enum members keep the Python names (ClusterMode_EXISTING_CLUSTER).
		mode := adf.ClusterMode_EXISTING_CLUSTER
		platform, err := adf.NewAdfDatabricks(ctx, "data-platform", &adf.AdfDatabricksArgs{
			Location:    config.Require(ctx, "azure-native:location"),
			ClusterMode: &mode,
			InteractiveCluster: &adf.InteractiveClusterArgs{
				SparkVersion:           pulumi.StringRef("16.4.x-scala2.12"),
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
		ctx.Export("clusterId", platform.ClusterId)
		return nil
	})
}
